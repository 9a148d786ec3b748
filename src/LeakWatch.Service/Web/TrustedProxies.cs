using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace LeakWatch.Service.Web;

/// <summary>
/// <see cref="ConsoleOptions.TrustedProxies"/>: the reverse proxies whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> the listener believes, <see cref="ConsoleOptions.ForwardedHops"/> entries back from the
/// right (one by default: what the proxy itself appended; an entry a client wrote stays to its left, unread).
/// An entry is an address (<c>10.0.0.5</c>, <c>::1</c>) or a CIDR network (<c>10.0.0.0/24</c>, <c>fd00::/8</c>). An IPv4
/// address is written in full and as it prints (four decimal numbers without leading zeros), so that <c>10.1</c> is
/// refused rather than read as <c>10.0.0.1</c> and <c>010.0.0.5</c> rather than read (octal) as <c>8.0.0.5</c>; a network
/// by its first address, so that <c>10.0.0.5/8</c> (one proxy, or the whole of 10/8?) is refused rather than widened; a
/// network that holds every address (<c>0.0.0.0/0</c>, <c>::/0</c>, every IPv4 address mapped, <c>::ffff:0:0/96</c>) is refused.
/// </summary>
internal static class TrustedProxies
{
    private static readonly IPAddress FirstMappedIPv4 = IPAddress.Parse("::ffff:0.0.0.0");

    /// <summary>Null when <paramref name="entry"/> may be trusted (its network in <paramref name="network"/>); otherwise why not, the setting named.</summary>
    public static string? Check(string? entry, out IPNetwork network)
    {
        network = default;
        var named = $"LeakWatch:Console:TrustedProxies '{entry}'";
        var text = (entry ?? "").Trim();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? text : text[..slash];
        var notAnAddress = named + " is not an address or a CIDR network (e.g. 10.0.0.5, 10.0.0.0/24, fd00::/8).";
        if (!address.Contains(':', StringComparison.Ordinal) && address.Split('.').Length != 4) return notAnAddress;
        if (address.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(address, out var single)) return notAnAddress;
        if (slash >= 0 && !(IPNetwork.TryParse(text, out network) && network.BaseAddress.Equals(single))) return notAnAddress;
        if (!WrittenAsPrinted(address, single))
        {
            return named + $" is not written as the address it stands for ({single}): write an IPv4 address as four decimal numbers without leading zeros.";
        }
        if (slash < 0) network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        if (network.PrefixLength == 0 || (network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 && network.PrefixLength <= 96 && network.Contains(FirstMappedIPv4)))
        {
            return named + " trusts every address: list the reverse proxies themselves (e.g. 10.0.0.5), never a network that clients are in.";
        }
        return null;
    }

    /// <summary>
    /// An IPv4 address (or the dotted tail of an IPv6 one) must print back as written: the parser reads a leading 0 as
    /// octal and 0x as hex. IPv6 hex groups mean one thing however written (case, leading zeros, ::).
    /// </summary>
    private static bool WrittenAsPrinted(string address, IPAddress parsed)
    {
        if (parsed.AddressFamily == AddressFamily.InterNetwork) return parsed.ToString() == address;
        var tail = address[(address.LastIndexOf(':') + 1)..];
        return !tail.Contains('.', StringComparison.Ordinal) || (IPAddress.TryParse(tail, out var ipv4) && ipv4.ToString() == tail);
    }

    /// <summary>The listener's own middleware options: the listed proxies only, <paramref name="hops"/> entries back.</summary>
    public static ForwardedHeadersOptions Options(IEnumerable<string> entries, int hops)
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            // Counted, never "back through every trusted hop": a client inside a trusted network would choose its own address.
            ForwardLimit = hops,
        };
        // The framework's defaults trust loopback: only what the setting names is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in entries)
        {
            if (Check(entry, out var network) is { } problem) throw new ArgumentException(problem, nameof(entries));
            options.KnownIPNetworks.Add(network);
        }
        return options;
    }

    /// <summary>
    /// The options in the framework's container, which its own forwarded-headers setup uses (registered when
    /// ASPNETCORE_FORWARDEDHEADERS_ENABLED=true, trusting every caller): they believe nothing, whatever the environment.
    /// </summary>
    public static void BelieveNothing(ForwardedHeadersOptions options)
    {
        options.ForwardedHeaders = ForwardedHeaders.None;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        options.ForwardLimit = 1;
    }
}
