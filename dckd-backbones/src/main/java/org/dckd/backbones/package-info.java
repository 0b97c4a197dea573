/** Super-resolution backbones as DJL blocks, their typed configs, and the registry of types and presets. */
package org.dckd.backbones;
