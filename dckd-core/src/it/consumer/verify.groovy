// After the consumer's build: nothing of a test framework or of PDF export on its compile class path, and its
// inference runs with the documented dependencies alone (DJL offline, set by dckd itself: no DJL_OFFLINE here).
def compile = new File(basedir, 'target/compile-classpath.txt').text
['junit', 'opentest4j', 'apiguardian', 'pdfbox', 'VectorGraphics2D', 'xchart', 'slf4j-simple'].each { name ->
    assert !compile.contains(name) : "${name} is on the consumer's compile class path: ${compile}"
}
assert compile.contains('dckd-core') && compile.contains('ai/djl/api/') : compile

def runtime = new File(basedir, 'target/runtime-classpath.txt').text.trim()
def classes = new File(basedir, 'target/classes').path
def java = new File(System.getProperty('java.home'), 'bin/java').path
def pb = new ProcessBuilder(java, '--enable-native-access=ALL-UNNAMED', '-cp', classes + File.pathSeparator + runtime, 'example.Upscale')
pb.directory(basedir)
pb.redirectErrorStream(true)
pb.environment().remove('DJL_OFFLINE')
def proc = pb.start()
def out = proc.inputStream.text
proc.waitFor()
new File(basedir, 'run.log').text = out
println out
assert proc.exitValue() == 0 : "the consumer's inference failed:\n" + out
assert out.contains('upscaled 32x32 -> 128x128 with PyTorch 2.7.1') : out
assert out.contains('ai.djl.offline=true') : out
return true
