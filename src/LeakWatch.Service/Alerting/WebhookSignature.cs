using System.Security.Cryptography;
using System.Text;

namespace LeakWatch.Service.Alerting;

/// <summary>
/// The signature of a generic webhook: <c>sha256=</c> and the lower-case hex HMAC-SHA256, keyed with the shared secret
/// (UTF-8), of <c>timestamp + "." + body</c>, where timestamp is the decimal Unix time in seconds sent in
/// <c>X-LeakWatch-Timestamp</c>. Signing the timestamp lets a receiver refuse a replayed old request.
/// </summary>
internal static class WebhookSignature
{
    public const string TimestampHeader = "X-LeakWatch-Timestamp";
    public const string SignatureHeader = "X-LeakWatch-Signature";
    public const string IdempotencyKeyHeader = "X-LeakWatch-Idempotency-Key";

    public static string Compute(Secret secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret.Value), signed);
        return "sha256=" + Convert.ToHexStringLower(mac);
    }
}
