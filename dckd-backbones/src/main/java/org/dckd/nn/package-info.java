/** Building blocks shared by the networks: PyTorch state-dict naming of DJL blocks, ops DJL lacks, and the offline engine bootstrap. */
package org.dckd.nn;
