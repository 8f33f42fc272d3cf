package io.retriever.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Gives a test class one running {@link LocalS3} (no latency, in memory) and a ready {@link
 * S3Client} for it, as parameters of constructors, lifecycle methods or tests. Both are closed
 * after the last test of the class.
 *
 * <pre>{@code
 * @ExtendWith(LocalS3Extension.class)
 * class MyTest {
 *   @Test void works(LocalS3 s3, S3Client client) { ... }
 * }
 * }</pre>
 */
public final class LocalS3Extension implements ParameterResolver {
  private static final Namespace NAMESPACE = Namespace.create(LocalS3Extension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == LocalS3.class || type == S3Client.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Server server =
        classStore(context).getOrComputeIfAbsent(Server.class, k -> new Server(), Server.class);
    return parameter.getParameter().getType() == LocalS3.class ? server.s3 : server.client;
  }

  /** The class-level store closes the server when the class is done. */
  private static ExtensionContext.Store classStore(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    return classContext.getStore(NAMESPACE);
  }

  private static final class Server implements CloseableResource, AutoCloseable {
    final LocalS3 s3 = LocalS3.start();
    final S3Client client = s3.newClient();

    @Override
    public void close() throws Exception {
      try {
        client.close();
      } finally {
        s3.close();
      }
    }
  }
}
