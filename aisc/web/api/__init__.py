"""What every app's API router shares: authentication (`auth`) and the one error shape
(`errors`). The routers are mounted in aisc.web.api_v1."""
