//! The shell's hooks: the one persistent animation-frame loop, and media-query reads.

mod animation_frame;

pub use animation_frame::use_animation_frame;

/// True when the user asked the system for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}
