//! clv stage (being written).

mod hyp2f1_near_one;
mod optimise;
mod special;

pub mod hyp2f1;
