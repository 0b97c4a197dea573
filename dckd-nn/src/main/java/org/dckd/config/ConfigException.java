package org.dckd.config;

/** A config file or value is invalid. The message names the file and the key path. */
public class ConfigException extends RuntimeException {

    /** Creates the exception. */
    public ConfigException(String message) {
        super(message);
    }

    /** Creates the exception with a cause. */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
