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
