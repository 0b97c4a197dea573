/** Checkpoint import and export: PyTorch .pth (zip and legacy), safetensors, npz; strict loading into blocks. */
package org.dckd.checkpoint;
