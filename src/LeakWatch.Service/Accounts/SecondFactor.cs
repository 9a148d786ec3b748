using System.Security.Cryptography;
using OtpNet;

namespace LeakWatch.Service.Accounts;

/// <summary>
/// TOTP (RFC 6238, Otp.NET): 30-second steps, one step of clock drift either way, each step accepted once. Secrets are
/// sealed with AES-GCM under a sub-key of the secret key before they reach the database or a form.
/// </summary>
internal static class SecondFactor
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] NewSecret() => KeyGeneration.GenerateRandomKey(20);

    public static string ToBase32(byte[] secret) => Base32Encoding.ToString(secret);

    /// <summary>The otpauth URI an authenticator app reads (typed in, or from a QR code made elsewhere).</summary>
    public static string OtpAuthUri(string userName, byte[] secret) =>
        "otpauth://totp/LeakWatch:" + Uri.EscapeDataString(userName) + "?secret=" + ToBase32(secret) + "&issuer=LeakWatch";

    /// <returns>The time step the code belongs to, or null when it is wrong.</returns>
    public static long? Verify(byte[] secret, string? code, DateTimeOffset now)
    {
        var digits = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.Length != 6) return null;
        var totp = new Totp(secret);
        return totp.VerifyTotp(now.UtcDateTime, digits, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) ? step : null;
    }

    public static string Compute(byte[] secret, DateTimeOffset now) => new Totp(secret).ComputeTotp(now.UtcDateTime);

    public static byte[] Seal(byte[] key, byte[] secret)
    {
        var sealedBytes = new byte[NonceSize + secret.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, secret, sealedBytes.AsSpan(NonceSize, secret.Length), sealedBytes.AsSpan(NonceSize + secret.Length));
        return sealedBytes;
    }

    /// <returns>Null when the sealed bytes were altered or sealed under another key.</returns>
    public static byte[]? Unseal(byte[] key, byte[] sealedBytes)
    {
        if (sealedBytes.Length <= NonceSize + TagSize) return null;
        var length = sealedBytes.Length - NonceSize - TagSize;
        var secret = new byte[length];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), secret);
            return secret;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
