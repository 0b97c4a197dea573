/** The {@code dckd} command line. */
package org.dckd.cli;
