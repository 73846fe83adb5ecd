//! Calls: direct calls of program functions (interpreted or native, decided at run time from the
//! function table), calls through pointers, `exit` interception, and the call-site side table
//! with each site's SysV classification.

use super::{CallSite, Fx};
use crate::abi::classify::{self, ArgAttr};
use crate::isa::{Aux, Op};
use crate::layout;
use crate::llvm::{Val, ValKind};
use crate::program::Intercept;

/// How a refused call's error starts (fork, pthread_exit: neither irvm nor native code run under it).
const REFUSED: &str = "unsupported call to";
/// How a missing symbol's error starts (native code cannot link it either).
const UNDEFINED: &str = "undefined external";

/// Whether compiled code can run what irvm could not lower (error `e` of one instruction).
pub(crate) fn native_can_run(e: &str) -> bool {
    !e.starts_with(REFUSED) && !e.starts_with(UNDEFINED)
}

impl Fx<'_> {
    pub(super) fn emit_call(&mut self, i: Val) -> Result<(), String> {
        let mut callee = i.callee();
        while callee.kind() == ValKind::GlobalAlias {
            callee = callee.aliasee();
        }
        match callee.kind() {
            ValKind::InlineAsm => return Err("unsupported inline assembly".into()),
            ValKind::Function if callee.name().starts_with("llvm.") => return self.emit_intrinsic(i, &callee.name()),
            _ => {}
        }
        let site = self.call_site(i)?;
        if callee.kind() == ValKind::Function {
            let f = *self.prog.func_ids.get(&callee).ok_or("call of an unknown function")?;
            let entry = &self.prog.funcs[f.0 as usize];
            match entry.intercept {
                Intercept::Exit => {
                    let code = self.reg(i.operand(0))?;
                    let (pos, len) = self.cur_pos;
                    self.push(Op::Exit { code, rest: len - pos - 1 });
                    return Ok(());
                }
                Intercept::Refuse => return Err(format!("{REFUSED} '{}'", entry.name)),
                Intercept::None | Intercept::SetJmp | Intercept::Leaf => {}
            }
            if entry.external {
                // Resolve now so a missing symbol is reported where it is called.
                self.prog.resolve_external(f)?;
            }
            self.push(Op::Call { f, site });
            return Ok(());
        }
        let p = self.reg(callee)?;
        self.push(Op::CallInd { p, site });
        Ok(())
    }

    fn call_site(&mut self, i: Val) -> Result<Aux, String> {
        let fty = i.call_fn_type();
        let nargs = i.num_args();
        let params = fty.params();
        let callee = i.callee();
        let mut args = Vec::new();
        let mut attrs = Vec::new();
        for k in 0..nargs {
            let a = i.operand(k);
            let n = layout::slots(self.dl, a.ty())?;
            args.push((self.reg(a)?, n));
            let from_decl = |name| {
                if callee.kind() == ValKind::Function && (k as usize) < params.len() {
                    callee.fn_param_attr(k, name)
                } else {
                    None
                }
            };
            let byval = i.call_arg_attr(k, "byval").or_else(|| from_decl("byval")).flatten();
            let signext = i.call_arg_attr(k, "signext").or_else(|| from_decl("signext")).is_some();
            attrs.push((a.ty(), ArgAttr { byval, signext }));
        }
        let (ret, ret_slots) = match layout::slots(self.dl, i.ty())? {
            0 => (crate::isa::Reg(0), 0),
            n => (self.reg(i)?, n),
        };
        let sig = classify::classify(self.dl, &attrs, fty.ret()).ok();
        let native_args: Box<[_]> = sig
            .iter()
            .flat_map(|sig| sig.args.iter().zip(&args))
            .flat_map(|(pieces, &(r, _))| pieces.iter().map(move |p| (r.at(p.slot), *p)))
            .collect();
        let in_gprs = sig.as_ref().is_some_and(|sig| {
            !fty.is_vararg()
                && sig.nstack == 0
                && sig.nxmm == 0
                && native_args.len() <= 6
                && native_args
                    .iter()
                    .enumerate()
                    .all(|(k, (_, p))| p.loc == classify::ArgLoc::Gpr(k as u8) && p.sext == 0)
                && matches!(sig.ret.as_slice(), [] | [(0, classify::RetLoc::Rax, _)])
        });
        let (pos, len) = self.cur_pos;
        let mut arg_slots: Vec<crate::isa::Reg> =
            args.iter().flat_map(|&(r, n)| (0..n).map(move |k| r.at(k))).collect();
        let arg_shape = super::arg_shape(args.len(), arg_slots.len() as u32);
        arg_slots.push(super::ARGS_END);
        self.sites.push(CallSite {
            args: args.into(),
            arg_slots: arg_slots.into(),
            arg_shape,
            ret,
            ret_slots,
            caller_slots: 0,
            native_args,
            in_gprs,
            sig,
            fn_ty: fty,
            rest: len - pos - 1,
        });
        Ok(Aux(self.sites.len() as u32 - 1))
    }
}
