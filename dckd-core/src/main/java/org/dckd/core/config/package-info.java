/** Experiment configs: one typed, strictly validated YAML/JSON file per run, with --set overrides. */
package org.dckd.core.config;
