/** Building networks from presets or config files and loading their weights. */
package org.dckd.core.model;
