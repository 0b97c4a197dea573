package org.dckd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

class ComputeEnvironmentTest {

    @Test
    void reportsTheKernelCapsOfThisProcess() {
        StringBuilder expected = new StringBuilder();
        for (String name : ComputeEnvironment.KERNEL_VARIABLES) {
            String v = System.getenv(name);
            if (v != null && !v.isBlank()) {
                expected.append(expected.length() == 0 ? "" : " ").append(name).append('=').append(v.trim());
            }
        }
        assertEquals(expected.length() == 0 ? "native" : expected.toString(), ComputeEnvironment.currentKernels());
        ComputeEnvironment now = ComputeEnvironment.current();
        assertEquals(ComputeEnvironment.currentKernels(), now.cpuKernels());
        assertEquals(Integer.getInteger("ai.djl.pytorch.num_threads", now.torchThreads()), now.torchThreads());
        assertTrue(now.torchThreads() > 0, "libtorch's thread count is read from the engine");
    }

    @Test
    void roundTripsAsSnakeCaseJsonAndComparesWhatDecidesTheBits() throws Exception {
        ComputeEnvironment a = new ComputeEnvironment("native", 2, "Linux", "amd64", "AMD EPYC", "17.0.15");
        ObjectMapper json = new ObjectMapper();
        JsonNode tree = json.valueToTree(a);
        assertEquals("native", tree.get("cpu_kernels").asText());
        assertEquals(2, tree.get("torch_threads").asInt());
        assertEquals(a, json.treeToValue(tree, ComputeEnvironment.class));
        // the Java version does not change libtorch's results; kernels, threads and the processor do
        assertTrue(a.bitCompatibleWith(new ComputeEnvironment("native", 2, "Linux", "amd64", "AMD EPYC", "25")));
        assertFalse(a.bitCompatibleWith(new ComputeEnvironment("native", 1, "Linux", "amd64", "AMD EPYC", "17.0.15")));
        assertFalse(a.bitCompatibleWith(new ComputeEnvironment("ATEN_CPU_CAPABILITY=avx2", 2, "Linux", "amd64",
                "AMD EPYC", "17.0.15")));
        assertFalse(a.bitCompatibleWith(new ComputeEnvironment("native", 2, "Linux", "amd64", "Intel Xeon", "17.0.15")));
    }
}
