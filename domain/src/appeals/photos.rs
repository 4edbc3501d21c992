//! The photos of an issue report: how large one may be, what it must be, how many a report may carry.
//! Every upload (the API's photo of a filed report, the report journey's photos kept before filing) and
//! the filing that attaches kept photos ask these rules; storage asks [`photos_within`] inside the
//! transaction that adds them, so parallel uploads cannot pass the limit together.
use crate::DomainError;

/// Why a photo was refused. The API words it in English (its `Display`); pages translate the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoRefusal {
    /// Larger than the configured size.
    #[error("a photo may be at most {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    /// Not a JPEG, PNG or WebP image by its bytes.
    #[error("the file is not a JPEG, PNG or WebP image")]
    NotAnImage,
    /// One more than a report may carry.
    #[error("a report may carry at most {max} photos")]
    TooMany { max: u32 },
}

/// A photo of `size` bytes, at most `max_bytes`, whose bytes were recognised as an accepted `image`
/// type (`None`: they were not); the type when it is acceptable.
pub fn acceptable_photo<T>(size: usize, max_bytes: usize, image: Option<T>) -> Result<T, PhotoRefusal> {
    if size > max_bytes {
        return Err(PhotoRefusal::TooLarge { max_bytes });
    }
    image.ok_or(PhotoRefusal::NotAnImage)
}

/// `adding` more photos on a report (or a draft of one) that has `existing`: at most `max` in all.
pub fn photos_within(existing: u64, adding: u64, max: u32) -> Result<(), PhotoRefusal> {
    if existing + adding > u64::from(max) {
        return Err(PhotoRefusal::TooMany { max });
    }
    Ok(())
}

/// Over HTTP: a refused file is a 422 naming the field `photo`; one photo too many on a report is the
/// report's state (409).
impl From<PhotoRefusal> for DomainError {
    fn from(refusal: PhotoRefusal) -> Self {
        match refusal {
            PhotoRefusal::TooMany { .. } => DomainError::Conflict(refusal.to_string()),
            _ => DomainError::invalid("photo", refusal.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_must_be_small_enough_and_an_image() {
        assert_eq!(acceptable_photo(10, 10, Some("png")), Ok("png"));
        assert_eq!(acceptable_photo(11, 10, Some("png")), Err(PhotoRefusal::TooLarge { max_bytes: 10 }));
        assert_eq!(acceptable_photo::<&str>(11, 10, None), Err(PhotoRefusal::TooLarge { max_bytes: 10 }), "size first");
        assert_eq!(acceptable_photo::<&str>(5, 10, None), Err(PhotoRefusal::NotAnImage));
    }

    #[test]
    fn a_report_carries_at_most_its_limit_of_photos_counting_those_it_has() {
        assert_eq!(photos_within(0, 5, 5), Ok(()));
        assert_eq!(photos_within(4, 1, 5), Ok(()));
        assert_eq!(photos_within(4, 2, 5), Err(PhotoRefusal::TooMany { max: 5 }));
        assert_eq!(photos_within(5, 0, 5), Ok(()), "nothing added is never refused");
    }

    #[test]
    fn the_api_words_each_refusal_as_before() {
        let too_many = DomainError::from(PhotoRefusal::TooMany { max: 5 });
        assert_eq!(too_many, DomainError::Conflict("a report may carry at most 5 photos".into()));
        let large = DomainError::from(PhotoRefusal::TooLarge { max_bytes: 4096 });
        assert_eq!(large, DomainError::invalid("photo", "a photo may be at most 4096 bytes"));
    }
}
