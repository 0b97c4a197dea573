/** The iteration-based training loop, run folders, atomic checkpoints, metrics and charts. */
package org.dckd.core.train;
