package org.dckd.data.metrics;

import java.util.Objects;

/** An immutable single-channel image of {@code double} values (row-major), such as a Y channel. */
public final class Plane {

    private final int width;
    private final int height;
    private final double[] values;

    private Plane(int width, int height, double[] values) {
        this.width = width;
        this.height = height;
        this.values = values;
    }

    static Plane wrap(int width, int height, double[] values) {
        if (width <= 0 || height <= 0 || values.length != (long) width * height) {
            throw new IllegalArgumentException(values.length + " values do not form a " + width + "x" + height
                    + " plane");
        }
        return new Plane(width, height, values);
    }

    /**
     * Creates a plane from row-major values (copied).
     *
     * @param width width in pixels
     * @param height height in pixels
     * @param values {@code height * width} values, row-major
     * @return the plane
     */
    public static Plane of(int width, int height, double[] values) {
        return wrap(width, height, values.clone());
    }

    /** @return the width in pixels */
    public int width() {
        return width;
    }

    /** @return the height in pixels */
    public int height() {
        return height;
    }

    /**
     * Returns one value.
     *
     * @param y row
     * @param x column
     * @return the value
     */
    public double get(int y, int x) {
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return values[y * width + x];
    }

    /** Direct access for this package's loops: never modify. */
    double[] values() {
        return values;
    }

    /** @return a copy of the values, row-major */
    public double[] toArray() {
        return values.clone();
    }

    /**
     * Removes {@code border} pixels from every side (the "shave" of the super-resolution protocol).
     *
     * @param border pixels to remove on each side, at least 0
     * @return the inner plane (this plane when {@code border} is 0)
     * @throws IllegalArgumentException if nothing would remain
     */
    public Plane shave(int border) {
        if (border < 0) {
            throw new IllegalArgumentException("border must be at least 0, got " + border);
        }
        if (border == 0) {
            return this;
        }
        int w = width - 2 * border;
        int h = height - 2 * border;
        if (w <= 0 || h <= 0) {
            throw new IllegalArgumentException("cannot remove a border of " + border + " from a " + width + "x"
                    + height + " image");
        }
        double[] out = new double[w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(values, (y + border) * width + border, out, y * w, w);
        }
        return new Plane(w, h, out);
    }

    /** @return the size, e.g. {@code Plane[288x352]} (height x width) */
    @Override
    public String toString() {
        return "Plane[" + height + "x" + width + "]";
    }
}
