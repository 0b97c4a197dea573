/** Running experiment configs: new runs and exact continuation from checkpoints. */
package org.dckd.core.experiment;
