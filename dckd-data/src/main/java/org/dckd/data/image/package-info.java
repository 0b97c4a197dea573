/**
 * RGB images on the 0..255 scale and their files.
 *
 * <p>{@link org.dckd.data.image.Image} is an immutable planar (CHW) {@code float} image with the conversions used
 * around a super-resolution model: to and from scaled CHW arrays ([0, 1] or [0, 255] inputs), quantization to 8-bit
 * values (clamp, round half up), crop and modcrop. {@link org.dckd.data.image.ImageFiles} reads PNG, JPEG, BMP and
 * other {@code javax.imageio} formats with their exact sample values and writes 8-bit RGB PNG atomically;
 * {@link org.dckd.data.image.ImageReadException} reports unreadable files with the file and the reason.
 */
package org.dckd.data.image;
