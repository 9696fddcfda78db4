//! Embed mode: `?embed`, `?embed=view` or `?embed=play` in the query string turns the app into a widget for
//! an `<iframe>`: the canvas, play/pause, three metrics and a link to the full editor. `view` allows no edits
//! at all; `play` also allows crashing and recovering nodes. Which actions each mode allows is decided here, so
//! the keyboard, the canvas and the buttons are all held to it by one filter.

use crate::action::Action;

/// How the app is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Embed {
    /// The full editor.
    Off,
    /// A read-only widget: watch, play and pause, pan and zoom.
    View,
    /// A widget where faults can be injected; the topology stays locked.
    Play,
}

impl Embed {
    /// The mode named by a query string (`?a=1&embed=play`); an unknown value means `view`.
    pub fn from_query(query: &str) -> Embed {
        let query = query.strip_prefix('?').unwrap_or(query);
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if key == "embed" {
                return if value == "play" { Embed::Play } else { Embed::View };
            }
        }
        Embed::Off
    }

    /// The mode of the current page.
    pub fn current() -> Embed {
        let query = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        Embed::from_query(&query)
    }

    pub fn is_embed(self) -> bool {
        self != Embed::Off
    }

    /// Whether this mode lets `action` through.
    pub fn allows(self, action: &Action) -> bool {
        let watching = matches!(
            action,
            Action::TogglePlay
                | Action::Play(_)
                | Action::SetSpeed(_)
                | Action::Reset
                | Action::RunToEnd
                | Action::StepEvent
                | Action::StepMs(_)
                | Action::Refresh
                | Action::Seek(_)
                | Action::Zoom(..)
                | Action::Pan(..)
                | Action::Fit
                | Action::CheckConsistency
                | Action::RequestTour
                | Action::StartTour(_)
                | Action::TourNext
                | Action::TourBack
                | Action::TourGo(_)
                | Action::TourAutoplay(_)
        );
        let faults = matches!(
            action,
            Action::Select(_)
                | Action::ToggleInSelection(_)
                | Action::ToggleNode(_)
                | Action::ToggleSelected
                | Action::Inject(_)
                | Action::PartitionSelected
        );
        match self {
            Embed::Off => true,
            Embed::View => watching,
            Embed::Play => watching || faults,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Embed;
    use crate::action::Action;

    #[test]
    fn query_strings_name_the_mode() {
        assert_eq!(Embed::from_query(""), Embed::Off);
        assert_eq!(Embed::from_query("?embedded=1"), Embed::Off);
        assert_eq!(Embed::from_query("?embed"), Embed::View);
        assert_eq!(Embed::from_query("?embed=view"), Embed::View);
        assert_eq!(Embed::from_query("?x=1&embed=play"), Embed::Play);
        assert_eq!(Embed::from_query("?embed=bogus"), Embed::View);
    }

    #[test]
    fn view_refuses_edits_and_faults_and_play_refuses_edits() {
        let edit = || Action::AddNode("client", None);
        assert!(!Embed::View.allows(&edit()));
        assert!(!Embed::View.allows(&Action::ToggleNode(0)));
        assert!(Embed::View.allows(&Action::TogglePlay));
        assert!(!Embed::Play.allows(&edit()));
        assert!(!Embed::Play.allows(&Action::Delete));
        assert!(Embed::Play.allows(&Action::ToggleNode(0)));
        assert!(Embed::Off.allows(&edit()));
    }
}
