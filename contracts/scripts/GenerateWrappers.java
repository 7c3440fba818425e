// Build-time tool, run by Maven with the Java source launcher: generates one Web3j wrapper per
// contract from the <Name>.abi / <Name>.bin pairs that scripts/compile.js wrote. One JVM for all
// contracts instead of one per contract.
import java.io.File;
import java.util.Arrays;
import org.web3j.codegen.SolidityFunctionWrapperGenerator;

public class GenerateWrappers {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: GenerateWrappers SOLIDITY_DIR OUT_DIR PACKAGE");
    }
    File solidityDir = new File(args[0]);
    File outDir = new File(args[1]);
    String packageName = args[2];
    File[] abis = solidityDir.listFiles((dir, name) -> name.endsWith(".abi"));
    if (abis == null || abis.length == 0) {
      throw new IllegalStateException("no .abi files in " + solidityDir);
    }
    Arrays.sort(abis);
    for (File abi : abis) {
      String name = abi.getName().substring(0, abi.getName().length() - ".abi".length());
      File bin = new File(solidityDir, name + ".bin");
      new SolidityFunctionWrapperGenerator(bin, abi, outDir, name, packageName, true, false, 160)
          .generate();
    }
  }
}
