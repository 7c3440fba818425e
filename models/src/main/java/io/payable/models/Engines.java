package io.payable.models;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * DJL engine set-up. Offline mode is forced so DJL never downloads natives: the CPU natives come
 * from the {@code pytorch-native-cpu} jar on the class path. To run on a GPU, put a CUDA build of
 * libtorch on the machine and point {@code PYTORCH_LIBRARY_PATH} (and {@code PYTORCH_VERSION},
 * {@code PYTORCH_FLAVOR}) at it; {@link #device()} then picks the first GPU.
 */
public final class Engines {
  private Engines() {}

  /** The PyTorch engine, loaded offline. */
  public static Engine pytorch() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    return Engine.getEngine("PyTorch");
  }

  /** GPU 0 when the engine has one, else the CPU. */
  public static Device device() {
    Engine e = pytorch();
    return e.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
  }

  /** A root manager on {@code device}. */
  public static NDManager newManager(Device device) {
    return NDManager.newBaseManager(device, pytorch().getEngineName());
  }
}
