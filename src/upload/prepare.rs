//! Getting a picked file ready for upload: the type allowlist and size cap
//! are checked before anything is sent, and photos are downscaled and
//! re-encoded in the browser so that a phone photo of 4–12 MB uploads as
//! ≤ 1.5 MB (upstream refuses anything above 6 MB).

use js_sys::Promise;
use parcel_desk_wire::upload::{is_allowed_type, MAX_UPLOAD_BYTES};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, HtmlCanvasElement, ImageBitmap};

/// Longest side of a re-encoded photo, in pixels (2560 × 1920 for a 4:3 phone photo).
pub const MAX_PHOTO_SIDE: u32 = 2560;
/// Photos larger than this (or with a longer side than `MAX_PHOTO_SIDE`) are re-encoded.
pub const PHOTO_TARGET_BYTES: f64 = 1_500_000.0;

/// What an upload route accepts.
pub struct Limits {
    /// Largest file in bytes.
    pub max_bytes: f64,
    /// The media-type allowlist.
    pub allowed: fn(&str) -> bool,
}

/// Sendcloud's `POST /dsf/files`: 6 MB, its type allowlist.
pub static SUPPORT: Limits = Limits { max_bytes: MAX_UPLOAD_BYTES as f64, allowed: is_allowed_type };

/// A claim's photos: `POST /dsf/files` with images only (GIF, JPEG, PNG,
/// WebP, … as upstream takes them; other photos are re-encoded as JPEG).
pub static PHOTOS: Limits = Limits { max_bytes: MAX_UPLOAD_BYTES as f64, allowed: is_image_type };

fn is_image_type(media_type: &str) -> bool {
    media_type.starts_with("image/") && is_allowed_type(media_type)
}

/// JTL-SCX attachments: 16 MB; plain text, PDF, Word, Excel, images.
pub static JTL: Limits = Limits {
    max_bytes: parcel_desk_wire::jtl::MAX_ATTACHMENT_BYTES as f64,
    allowed: parcel_desk_wire::jtl::is_allowed_attachment_type,
};

/// Why a file cannot be uploaded as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrepareError {
    /// Not on upstream's allowlist (e.g. a ZIP or an executable).
    Type,
    /// Above 6 MB and not a photo we can shrink.
    TooLarge,
    /// A HEIC/HEIF photo this browser cannot decode (everything but Safari).
    Heic,
    /// An image this browser cannot decode.
    Undecodable,
}

/// A file ready to send, and a decoded image for the thumbnail.
pub struct Prepared {
    pub blob: Blob,
    pub name: String,
    pub bitmap: Option<ImageBitmap>,
}

fn is_heic(file: &File) -> bool {
    let t = file.type_().to_ascii_lowercase();
    let n = file.name().to_ascii_lowercase();
    t.contains("heic") || t.contains("heif") || n.ends_with(".heic") || n.ends_with(".heif")
}

/// Image types we decode and may re-encode (GIF and SVG stay as they are).
fn is_photo(media_type: &str) -> bool {
    let t = media_type.to_ascii_lowercase();
    t.starts_with("image/") && !matches!(t.as_str(), "image/gif" | "image/svg+xml")
}

async fn decode(file: &File) -> Option<ImageBitmap> {
    let promise = web_sys::window()?.create_image_bitmap_with_blob(file).ok()?;
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

/// Encodes the bitmap as JPEG at `side` pixels for the longest side.
async fn encode(bitmap: &ImageBitmap, side: u32, quality: f64) -> Option<Blob> {
    let (w, h) = (bitmap.width(), bitmap.height());
    let scale = (side as f64 / w.max(h) as f64).min(1.0);
    let (tw, th) = (((w as f64) * scale).round().max(1.0), ((h as f64) * scale).round().max(1.0));
    let doc = web_sys::window()?.document()?;
    let canvas: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(tw as u32);
    canvas.set_height(th as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    // JPEG has no alpha: paint transparent areas white rather than black.
    ctx.set_fill_style_str("#fff");
    ctx.fill_rect(0.0, 0.0, tw, th);
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(bitmap, 0.0, 0.0, tw, th).ok()?;
    let promise = Promise::new(&mut |resolve, _reject| {
        let _ = canvas.to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &JsValue::from_f64(quality));
    });
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

fn jpeg_name(name: &str) -> String {
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
    format!("{stem}.jpg")
}

/// Checks and, for photos, shrinks a picked file.
pub async fn prepare(file: File, limits: &Limits) -> Result<Prepared, PrepareError> {
    let name = file.name();
    let media_type = file.type_();
    if is_photo(&media_type) || is_heic(&file) {
        let Some(bitmap) = decode(&file).await else {
            return Err(if is_heic(&file) { PrepareError::Heic } else { PrepareError::Undecodable });
        };
        let small_enough = file.size() <= PHOTO_TARGET_BYTES
            && bitmap.width().max(bitmap.height()) <= MAX_PHOTO_SIDE
            && (limits.allowed)(&media_type);
        if small_enough {
            return Ok(Prepared { blob: file.into(), name, bitmap: Some(bitmap) });
        }
        // Decoding applied the photo's EXIF orientation, so the pixels are
        // upright and the re-encoded JPEG needs no orientation tag.
        for (side, quality) in [(MAX_PHOTO_SIDE, 0.82), (MAX_PHOTO_SIDE, 0.7), (2048, 0.7), (1600, 0.65)] {
            if let Some(blob) = encode(&bitmap, side, quality).await {
                if blob.size() <= PHOTO_TARGET_BYTES {
                    return Ok(Prepared { blob, name: jpeg_name(&name), bitmap: Some(bitmap) });
                }
            }
        }
        return Err(PrepareError::TooLarge);
    }
    if !(limits.allowed)(&media_type) {
        return Err(PrepareError::Type);
    }
    if file.size() > limits.max_bytes {
        return Err(PrepareError::TooLarge);
    }
    Ok(Prepared { blob: file.into(), name, bitmap: None })
}
