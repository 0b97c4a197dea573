import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.dckd.data.image.Image;
import org.dckd.data.image.ImageFiles;

/**
 * Builds a DIV2K-sized stand-in from a folder of small photographs (e.g. CBSD68), for measuring the loader on 2K
 * images when DIV2K itself is not at hand: each output image is a 6 x 4 mosaic of 320 x 320 crops (1920 x 1280,
 * about DIV2K's 2040 x 1356), written as OUT/DIV2K_train_HR/0001.png ... (natural-image content, so PNG sizes and
 * decoding times are realistic). Make the LR images with './dckd prepare lr'.
 *
 * <pre>
 * mvn -q -o compile -pl dckd-data
 * java -cp dckd-data/target/classes tools/bench/Div2kSizedMosaics.java ../shared/data/train/CBSD68 /tmp/div2k_like 24
 * ./dckd prepare lr --hr /tmp/div2k_like/DIV2K_train_HR --scale 4
 * ./dckd bench data --data /tmp/div2k_like --scale 4 --patch 48 --batch 16
 * </pre>
 */
public final class Div2kSizedMosaics {

    private Div2kSizedMosaics() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Div2kSizedMosaics SOURCE_DIR OUT_DIR COUNT");
            System.exit(2);
        }
        List<Path> sources = ImageFiles.listImages(Path.of(args[0]));
        Path out = Files.createDirectories(Path.of(args[1]).resolve("DIV2K_train_HR"));
        int count = Integer.parseInt(args[2]);
        int tile = 320;
        int cols = 6;
        int rows = 4;
        int w = cols * tile;
        int h = rows * tile;
        int next = 0;
        for (int n = 0; n < count; n++) {
            float[] chw = new float[3 * w * h];
            for (int t = 0; t < cols * rows; t++) {
                Image src = ImageFiles.read(sources.get(next++ % sources.size()));
                Image crop = src.crop((src.width() - tile) / 2, (src.height() - tile) / 2, tile, tile);
                int ox = (t % cols) * tile;
                int oy = (t / cols) * tile;
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < tile; y++) {
                        for (int x = 0; x < tile; x++) {
                            chw[(c * h + oy + y) * w + ox + x] = crop.get(c, y, x);
                        }
                    }
                }
            }
            ImageFiles.writePng(Image.of(w, h, chw), out.resolve(String.format("%04d.png", n + 1)),
                    ImageFiles.IfExists.REPLACE);
        }
        System.out.println("wrote " + count + " images of " + w + "x" + h + " to " + out);
    }
}
