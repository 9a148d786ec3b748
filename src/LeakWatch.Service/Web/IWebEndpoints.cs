using Microsoft.AspNetCore.Routing;

namespace LeakWatch.Service.Web;

/// <summary>
/// A feature's routes on the service's one web listener (<c>LeakWatch:Console:Urls</c>): the console maps its pages,
/// operations its health and metrics. Registered in DI; the listener maps every one it finds, so features never
/// reference each other to share it.
/// </summary>
internal interface IWebEndpoints
{
    void Map(IEndpointRouteBuilder endpoints);
}

/// <summary>What a feature that is switched off registers in its place: the listener does not count it.</summary>
internal sealed class DisabledWebEndpoints : IWebEndpoints
{
    public static readonly DisabledWebEndpoints Instance = new();

    public void Map(IEndpointRouteBuilder endpoints)
    {
    }
}

/// <summary>The authorization policies the listener defines, for endpoints to require by name.</summary>
internal static class WebPolicies
{
    /// <summary>Signed in, session not necessarily ready: for the steps of signing in (one-time password, second factor).</summary>
    public const string SignedIn = "signed-in";
}
