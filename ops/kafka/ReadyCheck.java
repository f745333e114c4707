// Readiness probe for kafka.sh: an open port is not enough (the broker listens before its
// metadata is loaded), so this waits until a real produce with acks=all is acknowledged.
// Run with Java's single-file launcher: java -cp <broker classpath> ReadyCheck.java
//   <bootstrap> <timeoutSeconds> <brokerPid>
// Prints a dot per attempt; exit 0 = acknowledged, 1 = timed out, 2 = broker process died.
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

public class ReadyCheck {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    long deadline = System.currentTimeMillis() + Long.parseLong(args[1]) * 1000;
    long pid = Long.parseLong(args[2]);
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("enable.idempotence", "false"); // plain acks=all produce; no producer-id handshake needed
    // Short timeouts so each attempt ends quickly and we can print progress and re-check the pid.
    p.put("max.block.ms", "2000");
    p.put("request.timeout.ms", "2000");
    p.put("delivery.timeout.ms", "3000");
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      while (true) {
        try {
          // Auto-created on first use (auto.create.topics.enable=true).
          producer.send(new ProducerRecord<>("parley.readiness", "ping", Long.toString(System.currentTimeMillis())))
              .get(3, TimeUnit.SECONDS);
          System.out.println();
          System.exit(0);
        } catch (Exception notYet) {
          System.out.print(".");
          System.out.flush();
        }
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          System.out.println();
          System.exit(2);
        }
        if (System.currentTimeMillis() > deadline) {
          System.out.println();
          System.exit(1);
        }
        Thread.sleep(500);
      }
    }
  }
}
