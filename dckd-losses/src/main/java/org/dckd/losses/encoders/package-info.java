/**
 * Frozen feature encoders that define the feature spaces of the DCKD losses: the taming-transformers VQGAN encoder
 * ({@link org.dckd.losses.encoders.Vqgan}, the paper's), torchvision's VGG19 up to relu5_1
 * ({@link org.dckd.losses.encoders.Vgg19Features}, CSD's) and a seeded random convolutional encoder
 * ({@link org.dckd.losses.encoders.RandomConvEncoder}, the offline default). All extend
 * {@link org.dckd.losses.encoders.FeatureEncoder}; configs are Jackson-polymorphic on {@code type}
 * ({@link org.dckd.losses.encoders.EncoderConfig}). Blocks follow the {@code TorchModule} naming convention, so
 * checkpoints load by their PyTorch keys.
 */
package org.dckd.losses.encoders;
