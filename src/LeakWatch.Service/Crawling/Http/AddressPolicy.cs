using System.Net;
using System.Net.Sockets;

namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// Links found in crawled pages are hostile: they may point at the lab's own network (an admin page on loopback, a
/// cloud metadata address, a printer). Only public unicast addresses are reachable unless a source allows private
/// ones for its own hosts.
/// </summary>
internal static class AddressPolicy
{
    /// <summary>Why <paramref name="address"/> may not be reached, or null when it is a public unicast address.</summary>
    public static string? Forbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return "loopback";
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] switch
            {
                0 => "unspecified",
                10 => "private",
                100 when b[1] >= 64 && b[1] < 128 => "private (shared address space)",
                169 when b[1] == 254 => "link-local",
                172 when b[1] >= 16 && b[1] < 32 => "private",
                192 when b[1] == 168 => "private",
                192 when b[1] == 0 && b[2] == 0 => "reserved",
                >= 224 and < 240 => "multicast",
                >= 240 => "reserved",
                _ => null,
            };
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any)) return "unspecified";
            if (address.IsIPv6Multicast) return "multicast";
            if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal) return "link-local";
            if (address.IsIPv6UniqueLocal) return "private";
            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);
            // ::/96 (IPv4-compatible, deprecated) and 64:ff9b::/96 (NAT64 to any IPv4) could reach inward; refuse them.
            if (b[..12].IndexOfAnyExcept((byte)0) < 0) return "reserved";
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return "reserved";
            return null;
        }
        return "not an IP address";
    }
}

/// <summary>Thrown from the connect callback when every address of a host is forbidden; never retried.</summary>
internal sealed class ForbiddenAddressException(string message) : Exception(message);
