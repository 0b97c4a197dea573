/** Strict reading of typed JSON/YAML configs: snake_case keys, {@code type}-named polymorphism, key-path errors. */
package org.dckd.config;
