package org.dckd.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dckd.data.image.Image;
import org.dckd.data.image.ImageFiles;
import org.dckd.data.resize.MatlabBicubic;
import org.dckd.data.synthetic.ProceduralImages;

/**
 * Small synthetic training folders in the standard layouts, for tests (here and in other modules): procedural HR
 * images with their MATLAB-exact bicubic LR images.
 */
public final class TrainingFolders {

    private TrainingFolders() {}

    /**
     * Renders one procedural HR image.
     *
     * @param index the image index (also the seed offset)
     * @param width width in pixels
     * @param height height in pixels
     * @return the image
     */
    public static Image hr(int index, int width, int height) {
        return ProceduralImages.render(7, index, width, height);
    }

    /**
     * Writes a DIV2K-style training split: {@code root/DIV2K_train_HR/0001.png ...} and
     * {@code root/DIV2K_train_LR_bicubic/X<s>/0001x<s>.png ...}.
     *
     * @param root the DIV2K root
     * @param split {@code train} or {@code valid}
     * @param count the number of images
     * @param width HR width
     * @param height HR height
     * @param scale the scale factor
     * @return the root
     * @throws IOException if writing fails
     */
    public static Path div2k(Path root, String split, int count, int width, int height, int scale) throws IOException {
        int first = split.equals("valid") ? 801 : 1;
        Path hr = Files.createDirectories(root.resolve("DIV2K_" + split + "_HR"));
        Path lr = Files.createDirectories(root.resolve("DIV2K_" + split + "_LR_bicubic").resolve("X" + scale));
        for (int i = 0; i < count; i++) {
            String name = String.format("%04d", first + i);
            writePair(hr(first + i, width, height), hr.resolve(name + ".png"), lr.resolve(name + "x" + scale + ".png"),
                    scale);
        }
        return root;
    }

    /**
     * Writes a Flickr2K-style folder: {@code root/Flickr2K_HR/000001.png} and
     * {@code root/Flickr2K_LR_bicubic/X<s>/000001x<s>.png}.
     *
     * @param root the Flickr2K root
     * @param count the number of images
     * @param width HR width
     * @param height HR height
     * @param scale the scale factor
     * @return the root
     * @throws IOException if writing fails
     */
    public static Path flickr2k(Path root, int count, int width, int height, int scale) throws IOException {
        Path hr = Files.createDirectories(root.resolve("Flickr2K_HR"));
        Path lr = Files.createDirectories(root.resolve("Flickr2K_LR_bicubic").resolve("X" + scale));
        for (int i = 0; i < count; i++) {
            String name = String.format("%06d", i + 1);
            writePair(hr(1000 + i, width, height), hr.resolve(name + ".png"), lr.resolve(name + "x" + scale + ".png"),
                    scale);
        }
        return root;
    }

    /**
     * Writes HR images only: {@code folder/img_000.png ...}.
     *
     * @param folder the folder (created)
     * @param count the number of images
     * @param width width
     * @param height height
     * @return the folder
     * @throws IOException if writing fails
     */
    public static Path hrOnly(Path folder, int count, int width, int height) throws IOException {
        Files.createDirectories(folder);
        for (int i = 0; i < count; i++) {
            ImageFiles.writePng(hr(2000 + i, width, height), folder.resolve(String.format("img_%03d.png", i)),
                    ImageFiles.IfExists.FAIL);
        }
        return folder;
    }

    /**
     * Writes an HR image and its MATLAB-exact LR image (from the modcropped HR).
     *
     * @param hr the HR image
     * @param hrFile where the HR image goes
     * @param lrFile where the LR image goes
     * @param scale the scale factor
     * @throws IOException if writing fails
     */
    public static void writePair(Image hr, Path hrFile, Path lrFile, int scale) throws IOException {
        ImageFiles.writePng(hr, hrFile, ImageFiles.IfExists.REPLACE);
        ImageFiles.writePng(MatlabBicubic.downscale(hr.modcrop(scale), scale), lrFile, ImageFiles.IfExists.REPLACE);
    }
}
