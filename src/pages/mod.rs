mod compare;
mod experiments;
mod glossary;
mod handout;
mod home;
mod lesson;
mod not_found;
mod sandbox;

pub use compare::Compare;
pub use experiments::Experiments;
pub use glossary::Glossary;
pub use handout::Handout;
pub use home::Home;
pub use lesson::Lesson;
pub use not_found::NotFound;
pub use sandbox::{Sandbox, STARTER};
