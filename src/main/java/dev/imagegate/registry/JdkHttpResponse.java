package dev.imagegate.registry;

import com.google.api.client.http.LowLevelHttpResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** A fully read JDK response, as google-http-client wants to see it. */
final class JdkHttpResponse extends LowLevelHttpResponse {
  private final int status;
  private final byte[] body;
  private final List<String> names = new ArrayList<>();
  private final List<String> values = new ArrayList<>();

  JdkHttpResponse(HttpResponse<byte[]> response) {
    this.status = response.statusCode();
    this.body = response.body() == null ? new byte[0] : response.body();
    response.headers().map().forEach((name, list) -> {
      if (!name.startsWith(":")) {
        list.forEach(value -> {
          names.add(name);
          values.add(value);
        });
      }
    });
  }

  @Override
  public InputStream getContent() {
    return new ByteArrayInputStream(body);
  }

  @Override
  public String getContentEncoding() {
    return header("Content-Encoding");
  }

  @Override
  public long getContentLength() {
    return body.length;
  }

  @Override
  public String getContentType() {
    return header("Content-Type");
  }

  @Override
  public String getStatusLine() {
    return "HTTP/1.1 " + status;
  }

  @Override
  public int getStatusCode() {
    return status;
  }

  @Override
  public String getReasonPhrase() {
    return null;
  }

  @Override
  public int getHeaderCount() {
    return names.size();
  }

  @Override
  public String getHeaderName(int index) {
    return names.get(index);
  }

  @Override
  public String getHeaderValue(int index) {
    return values.get(index);
  }

  private String header(String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return values.get(i);
      }
    }
    return null;
  }
}
