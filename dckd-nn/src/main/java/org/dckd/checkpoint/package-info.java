/**
 * PyTorch checkpoint import and export without a native engine.
 *
 * <p>{@link org.dckd.checkpoint.Checkpoints#read(java.nio.file.Path)} reads PyTorch {@code .pth}/{@code .ckpt} files
 * (zip and legacy formats, through a weights-only unpickler that refuses every Python global a state dict does not
 * need), {@code .safetensors} and {@code .npz} into a {@link org.dckd.checkpoint.StateDict} of heap
 * {@link org.dckd.checkpoint.Tensor}s. {@link org.dckd.checkpoint.WeightLoader} copies a state dict into a DJL block
 * named after the {@link org.dckd.nn.TorchModule} convention, strictly by default;
 * {@link org.dckd.checkpoint.Checkpoints#writeSafetensors} exports one. Content problems raise
 * {@link org.dckd.checkpoint.CheckpointException}s whose messages name the file and the entry or key. Reading is
 * bounded for hostile files: a file cannot make the reader allocate more than it honestly holds or than
 * {@link org.dckd.checkpoint.Checkpoints#maxBytes()}, pickled integers are limited in length, self-referencing
 * containers are refused as keys, and sizes are overflow-checked. See {@code docs/checkpoints.md}, section "Limits".
 */
package org.dckd.checkpoint;
