using System.Security.Cryptography;
using System.Text;

namespace LeakWatch.Service.Tests.Alerting;

/// <summary>What a receiver does with a generic webhook, written from the README, independently of the sender's code.</summary>
internal static class WebhookVerifier
{
    public static bool IsValid(ReceivedRequest request, string secret)
    {
        var timestamp = request.Header("X-LeakWatch-Timestamp");
        var signature = request.Header("X-LeakWatch-Signature");
        if (timestamp.Length == 0 || !signature.StartsWith("sha256=", StringComparison.Ordinal)) return false;
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(request.Body).ToArray();
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(signature["sha256=".Length..]));
    }
}
