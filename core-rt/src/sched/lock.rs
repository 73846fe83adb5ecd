//! A spin lock held with interrupts off on the CPU that holds it, so that an interrupt handler
//! (the timer tick) can take it too without dead-locking against the code it interrupted.

use crate::arch::cpu::context;

pub struct IrqLock<T>(spin::Mutex<T>);

pub struct IrqGuard<'a, T> {
    guard: Option<spin::MutexGuard<'a, T>>,
    enable: bool,
}

impl<T> IrqLock<T> {
    pub const fn new(v: T) -> Self {
        Self(spin::Mutex::new(v))
    }

    pub fn lock(&self) -> IrqGuard<'_, T> {
        let enable = context::interrupts_off();
        IrqGuard { guard: Some(self.0.lock()), enable }
    }
}

impl<T> core::ops::Deref for IrqGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.guard.as_ref().expect("guard held")
    }
}

impl<T> core::ops::DerefMut for IrqGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.guard.as_mut().expect("guard held")
    }
}

impl<T> Drop for IrqGuard<'_, T> {
    fn drop(&mut self) {
        drop(self.guard.take());
        context::interrupts_restore(self.enable);
    }
}
