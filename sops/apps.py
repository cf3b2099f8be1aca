from django.apps import AppConfig


class SopsConfig(AppConfig):
    name = "sops"
    verbose_name = "SOPs"
