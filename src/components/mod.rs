mod lesson_card;
mod site_header;

pub use lesson_card::LessonCard;
pub use site_header::SiteHeader;
