/** Adapters to plain DJL training: a Loss and a TrainingListener for distillation. */
package org.dckd.core.djl;
