/** Short, runnable examples of embedding dckd in your own Java training code. */
package org.dckd.examples;
