/** Optimisation with state of our own: Adam/AdamW, learning-rate schedules, parameter EMA. */
package org.dckd.core.optim;
