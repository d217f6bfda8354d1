from geo.models import ConstraintFeaturePart
from tests.geo.factories import ConstraintFeatureFactory


def test_it_builds_a_feature_with_its_indexed_parts(db):
    feature = ConstraintFeatureFactory()
    parts = ConstraintFeaturePart.objects.filter(feature=feature)
    assert parts.count() == 1
    assert parts.get().dataset == "conservation-area"
    assert feature.area_m2 == 10000.0
    assert feature.dimension == 2
