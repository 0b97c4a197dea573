/**
 * Rules every command follows before it writes anything: an output never is, contains or lies inside one of its
 * inputs, and no two inputs are written to one output name ({@link org.dckd.data.files.OutputLocations}).
 */
package org.dckd.data.files;
