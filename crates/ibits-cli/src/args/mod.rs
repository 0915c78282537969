//! Flags shared by several commands, and their conversion into the library's
//! options. The flags hold what the user typed (`None` = not given); every default is the
//! library's (`TaskOptions`, `KernelOptions`, `MlpSettings`, `EstimateOptions`), so a
//! flag and the experiment-file key of the same name always mean the same thing.

mod run;
mod space;
mod task;

pub use run::RunArgs;
pub use space::{InitArg, SpaceArg, SpaceArgs};
pub use task::{data_error, TaskArgs, TaskOptions};
