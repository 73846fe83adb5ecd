//! Time conversion and strftime against glibc (with TZ=UTC, which is what core-rt's zone is).

use super::*;
use crate::testkit::{Rng, cstr};

unsafe extern "C" {
    #[link_name = "tzset"]
    fn tzset_glibc();
}

fn set_utc() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: done once, before any test here reads the zone.
        unsafe {
            libc::setenv(c"TZ".as_ptr(), c"UTC".as_ptr(), 1);
            tzset_glibc();
        }
    });
}

fn to_libc(tm: &Tm) -> libc::tm {
    libc::tm {
        tm_sec: tm.tm_sec,
        tm_min: tm.tm_min,
        tm_hour: tm.tm_hour,
        tm_mday: tm.tm_mday,
        tm_mon: tm.tm_mon,
        tm_year: tm.tm_year,
        tm_wday: tm.tm_wday,
        tm_yday: tm.tm_yday,
        tm_isdst: tm.tm_isdst,
        tm_gmtoff: tm.tm_gmtoff,
        tm_zone: tm.tm_zone,
    }
}

fn random_time(rng: &mut Rng) -> i64 {
    match rng.below(3) {
        0 => rng.below(4_000_000_000) as i64 - 1_000_000_000,
        1 => (rng.next() as i64) >> (10 + rng.below(20)),
        _ => rng.below(400 * 366 * 86400) as i64 - 200 * 366 * 86400 + rng.below(3) as i64 * 100_000_000_000,
    }
}

#[test]
fn gmtime_and_mktime_match_glibc() {
    let _g = crate::testkit::errno_lock();
    set_utc();
    let mut rng = Rng::new(81);
    for k in 0..20000 {
        let t = if k < 10 {
            [
                0,
                -1,
                86399,
                86400,
                951782400,
                -62135596800,
                253402300799,
                67767976233532799,
                -67768040609740800,
                i64::MAX,
            ][k]
        } else {
            random_time(&mut rng)
        };
        let mut mine = ZERO_TM;
        let mut theirs: libc::tm = to_libc(&ZERO_TM);
        // SAFETY: valid pointers.
        unsafe {
            let a = gmtime_r(&t, &mut mine);
            let b = libc::gmtime_r(&t, &mut theirs);
            assert_eq!(a.is_null(), b.is_null(), "gmtime_r({t})");
            if a.is_null() {
                continue;
            }
            let mut m2 = to_libc(&mine);
            m2.tm_zone = theirs.tm_zone;
            assert_eq!(format!("{m2:?}"), format!("{theirs:?}"), "gmtime_r({t})");
            assert_eq!(crate::testkit::from_c(mine.tm_zone), crate::testkit::from_c(theirs.tm_zone));
            // Denormalized fields normalize the same way.
            let mut d = mine;
            d.tm_sec += rng.below(200000) as i32 - 100000;
            d.tm_mon += rng.below(50) as i32 - 25;
            d.tm_mday += rng.below(100) as i32 - 50;
            d.tm_isdst = rng.below(3) as i32 - 1;
            let mut g = to_libc(&d);
            let (ra, rb) = (mktime(&mut d), libc::mktime(&mut g));
            assert_eq!(ra, rb, "mktime from {t}");
            if ra != -1 {
                let mut d2 = to_libc(&d);
                d2.tm_zone = g.tm_zone;
                assert_eq!(format!("{d2:?}"), format!("{g:?}"));
            }
            let mut a1 = [0 as c_char; 64];
            let mut a2 = [0 as c_char; 64];
            if (-2000..8000).contains(&mine.tm_year) {
                asctime_r(&mine, a1.as_mut_ptr());
                libc::asctime_r(&theirs, a2.as_mut_ptr());
                assert_eq!(a1, a2, "asctime_r({t})");
            }
        }
    }
}

#[test]
fn strftime_matches_glibc() {
    let _g = crate::testkit::errno_lock();
    set_utc();
    let mut rng = Rng::new(82);
    let convs = b"aAbBcCdDeFgGhHIjklmMnprRsStTuUVwWxXyYzZ%+qP";
    let flags = ["", "_", "-", "0", "^", "#", "^#", "_^"];
    let mods = ["", "", "", "E", "O"];
    for k in 0..15000 {
        let t = random_time(&mut rng);
        let mut tm = break_down(t, c"UTC").unwrap_or(ZERO_TM);
        if k % 7 == 0 {
            // Out-of-range members, gmtoff and isdst variations.
            tm.tm_wday = rng.below(9) as i32 - 1;
            tm.tm_mon = rng.below(14) as i32 - 1;
            tm.tm_gmtoff = rng.below(100000) as i64 - 50000;
            tm.tm_isdst = rng.below(4) as i32 - 1;
            tm.tm_hour = rng.below(26) as i32 - 1;
        }
        if k % 11 == 0 {
            tm.tm_zone = core::ptr::null();
        }
        let mut fmt = String::new();
        for _ in 0..1 + rng.below(4) {
            if rng.below(4) == 0 {
                fmt.push_str("x ");
            }
            fmt.push('%');
            fmt.push_str(flags[rng.below(flags.len() as u64) as usize]);
            if rng.below(3) == 0 {
                fmt.push_str(&rng.below(14).to_string());
            }
            fmt.push_str(mods[rng.below(mods.len() as u64) as usize]);
            fmt.push(convs[rng.below(convs.len() as u64) as usize] as char);
        }
        if k % 50 == 0 {
            fmt.push('%');
        }
        let f = cstr(&fmt);
        let g = to_libc(&tm);
        for max in [0usize, 5, 200] {
            let mut a = [0x55u8; 256];
            let mut b = [0x55u8; 256];
            // SAFETY: buffers larger than max.
            let (ra, rb) = unsafe {
                (
                    strftime(a.as_mut_ptr() as *mut c_char, max, f.as_ptr() as *const c_char, &tm),
                    libc::strftime(b.as_mut_ptr() as *mut c_char, max, f.as_ptr() as *const c_char, &g),
                )
            };
            assert_eq!(ra, rb, "strftime({fmt:?}) length, max {max}, tm {tm:?}");
            if ra > 0 {
                assert_eq!(
                    &a[..=ra],
                    &b[..=rb],
                    "strftime({fmt:?}) text, tm {tm:?}: {:?} vs {:?}",
                    String::from_utf8_lossy(&a[..ra]),
                    String::from_utf8_lossy(&b[..rb])
                );
            }
        }
        // Wide: the same text, widened.
        let wf: Vec<i32> = fmt.bytes().map(|b| b as i32).chain([0]).collect();
        let mut w = [0i32; 256];
        let mut n = [0u8; 256];
        // SAFETY: as above.
        unsafe {
            let rw = wcsftime(w.as_mut_ptr(), 200, wf.as_ptr(), &tm);
            let rn = strftime(n.as_mut_ptr() as *mut c_char, 200, f.as_ptr() as *const c_char, &tm);
            assert_eq!(rw, rn);
            assert!(w[..rw].iter().zip(&n[..rn]).all(|(&x, &y)| x == y as i32));
        }
    }
}
