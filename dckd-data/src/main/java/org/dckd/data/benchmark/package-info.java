/**
 * Super-resolution benchmark folders in the standard {@code HR/} + {@code LR_bicubic/X<s>/} layout, or plain
 * folders of HR images, as sorted lists of (HR, LR) pairs; missing LR images are generated in memory with
 * MATLAB-compatible bicubic downscaling. Entry point: {@link org.dckd.data.benchmark.BenchmarkSet#open}.
 */
package org.dckd.data.benchmark;
