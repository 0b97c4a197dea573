/**
 * What a training run learns from: the Jackson-deserialisable {@link org.dckd.data.training.TrainingDataConfig} (the
 * experiment's {@code data:} key) with its {@link org.dckd.data.training.SourceConfig sources} (DIV2K, Flickr2K, any
 * paired folders, HR-only folders with cached bicubic LR), and the {@link org.dckd.data.training.TrainingSet} of
 * checked LR/HR pairs they resolve to. Patches are cut from it by {@link org.dckd.data.loader.PatchLoader}.
 */
package org.dckd.data.training;
