app_name = "cases"
urlpatterns = []
