/** Deterministic synthetic images for runs that need no files. */
package org.dckd.data.synthetic;
