/**
 * The training-patch loader: {@link org.dckd.data.loader.PatchLoader} turns a
 * {@link org.dckd.data.training.TrainingSet} into an endless, reproducible stream of
 * {@link org.dckd.data.loader.PatchBatch}es (aligned random crops, identical flips for LR and HR, NCHW heap arrays),
 * built by background threads behind a bounded queue, resumable from a {@link org.dckd.data.loader.LoaderPosition};
 * {@link org.dckd.data.loader.SampleSchedule} defines the deterministic sample order.
 */
package org.dckd.data.loader;
