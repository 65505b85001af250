//! New-match mail: a newly published listing matches one of the recipient's.

use super::{Letter, Rendered};
use crate::app::Locale;

/// A newly published listing matches one of the recipient's organization's listings.
pub fn new_match(
    locale: Locale,
    name: &str,
    theirs: &str,
    new_title: &str,
    new_is_need: bool,
    link: String,
) -> Rendered {
    let (subject, body, label) = match (locale, new_is_need) {
        (Locale::ZhCn, true) => (
            format!("新需求与您的成果匹配：{new_title}"),
            format!(
                "新发布的技术需求「{new_title}」与贵单位的成果「{theirs}」高度匹配，欢迎查看并表达合作意向。"
            ),
            "查看需求",
        ),
        (Locale::ZhCn, false) => (
            format!("新成果与您的需求匹配：{new_title}"),
            format!(
                "新发布的技术成果「{new_title}」与贵单位的需求「{theirs}」高度匹配，欢迎查看并联系对方。"
            ),
            "查看成果",
        ),
        (Locale::En, true) => (
            format!("A new need matches your capability: {new_title}"),
            format!(
                "The newly published need \"{new_title}\" closely matches your organization's capability \"{theirs}\". Have a look and express your interest."
            ),
            "View need",
        ),
        (Locale::En, false) => (
            format!("A new capability matches your need: {new_title}"),
            format!(
                "The newly published capability \"{new_title}\" closely matches your organization's need \"{theirs}\". Have a look and get in touch."
            ),
            "View capability",
        ),
    };
    Letter::linked(locale, subject, name, vec![body], (label, link))
}
