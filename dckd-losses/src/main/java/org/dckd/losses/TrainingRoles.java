package org.dckd.losses;

import ai.djl.ndarray.NDManager;

import org.dckd.nn.SrNetwork;

/**
 * The networks of a distillation run, by role: a trainable student, an optional frozen teacher (eval mode, never
 * updated), and the student's EMA (the source of the DCKD history model by default).
 *
 * @param student the trainable student
 * @param teacher the frozen teacher, or {@code null} for training from scratch
 * @param studentEma the exponential moving average of the student, or {@code null} when EMA is off
 * @param manager the run's long-lived manager: frozen helpers and term state belong here
 * @param seed the run's seed (terms derive their own random streams from it)
 */
public record TrainingRoles(SrNetwork student, SrNetwork teacher, SrNetwork studentEma, NDManager manager, long seed) {}
